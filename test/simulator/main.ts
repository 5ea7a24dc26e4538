/**
 * CLI: node out/test/simulator/main.js --port 8850 [--host h] [--config file.json] [--demo]
 *      [--https-cert cert.pem --https-key key.pem] [--data-dir dir]
 */
import * as fs from 'node:fs';
import type { SimConfig } from './config';
import { startSimulator } from './index';

function usage(msg: string): never {
  process.stderr.write(`${msg}\nusage: main.js [--port 8850] [--host 127.0.0.1] [--config file.json] [--demo] [--https-cert f --https-key f] [--data-dir d]\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opts: { port: number; host?: string; config?: SimConfig; demo: boolean; cert?: string; key?: string; dataDir?: string } = { port: 8850, demo: false };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value = (): string => args[++i] ?? usage(`${a} needs a value`);
    switch (a) {
      case '--port': opts.port = Number(value()); break;
      case '--host': opts.host = value(); break;
      case '--config': opts.config = JSON.parse(fs.readFileSync(value(), 'utf8')) as SimConfig; break;
      case '--demo': opts.demo = true; break;
      case '--https-cert': opts.cert = fs.readFileSync(value(), 'utf8'); break;
      case '--https-key': opts.key = fs.readFileSync(value(), 'utf8'); break;
      case '--data-dir': opts.dataDir = value(); break;
      case '-h': case '--help': usage('Tableau REST simulator');
      // falls through (usage exits)
      default: usage(`unknown argument ${a}`);
    }
  }
  if (!Number.isInteger(opts.port) || opts.port < 0 || opts.port > 65535) usage('--port must be 0..65535');
  if (!!opts.cert !== !!opts.key) usage('--https-cert and --https-key go together');
  const sim = await startSimulator({
    port: opts.port, host: opts.host, config: opts.config, demo: opts.demo, dataDir: opts.dataDir,
    https: opts.cert && opts.key ? { cert: opts.cert, key: opts.key } : undefined,
  });
  process.stdout.write(`Tableau simulator listening on ${sim.url}\n`);
  if (sim.demoPat) process.stdout.write(`demo PAT: name=${sim.demoPat.name} secret=${sim.demoPat.secret} site=${sim.demoPat.site}\n`);
  const stop = (): void => {
    void sim.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`simulator failed to start: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
