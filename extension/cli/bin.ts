/** Process entry of the `convlens` command. */
import { runCli } from './main';

process.exitCode = runCli(process.argv.slice(2), { out: (s) => console.log(s), err: (s) => console.error(s) });
