/** Process entry of the `convlens` command. */
import { runCli } from './main';

// `convlens ... | head` closes the pipe early: stop quietly instead of crashing on EPIPE.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

void runCli(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`convlens: ${e.message}`);
    process.exitCode = 1;
  },
);
