/** Process entry of the `convlens` command. */
import { runCli } from './main';

void runCli(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) }).then(
  (code) => {
    process.exitCode = code;
  },
  (e: Error) => {
    console.error(`convlens: ${e.message}`);
    process.exitCode = 1;
  },
);
