import { loadConfig } from '../../config/config.js';
import { parse, portFlag } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { queueDemoRun } from '../demo-run.js';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'start the studio (HTTP API, Socket.IO and the editor)',
  usage: 'lvcd serve [--host 127.0.0.1] [--port 5580] [--data-dir DIR] [--models-dir DIR] [--run-demo]',
  async run(args) {
    const { values, positionals } = parse(args, {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      'run-demo': { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const port = portFlag(values.port);
    const config = loadConfig(process.env, {
      ...(values.host ? { host: values.host } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
    });
    // Loaded here so the other commands do not pay for Nest and TypeORM at start.
    const { startServer } = await import('../../server.js');
    // The open server keeps the process alive; SIGINT/SIGTERM close it through Nest's shutdown hooks.
    const app = await startServer(config, { shutdownHooks: true });
    if (values['run-demo']) await queueDemoRun(app, await app.getUrl());
    return EXIT.ok;
  },
};
