import { runStandIn } from './standin';

process.exitCode = runStandIn(process.argv.slice(2), process.env, {
  out: text => process.stdout.write(text),
  err: text => process.stderr.write(text),
});
