import { loadConfig } from '../../config/config.js';
import { integer } from '../../config/config.js';
import { parse } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';

export const workerCommand: Command = {
  name: 'worker',
  summary: 'take runs from the shared queue (scale-out mode: LVCD_REDIS_URL), on this machine or another',
  usage: 'lvcd worker [--gpu N] [--concurrency 1] [--offload-decode] [--data-dir DIR] [--models-dir DIR] [--id NAME]',
  async run(args) {
    const { values, positionals } = parse(args, {
      gpu: { type: 'string' },
      concurrency: { type: 'string' },
      'data-dir': { type: 'string' },
      'models-dir': { type: 'string' },
      id: { type: 'string' },
      // Decode chunks of this worker's LVCD runs go to free workers while it samples on.
      'offload-decode': { type: 'boolean' },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    const number = (flag: string, raw: string | undefined, min: number, max: number) => {
      try {
        return raw === undefined ? undefined : integer(flag, raw, 0, min, max);
      } catch (e) {
        throw new UsageError((e as Error).message);
      }
    };
    const gpu = number('--gpu', values.gpu, 0, 63);
    const concurrency = number('--concurrency', values.concurrency, 1, 64) ?? 1;
    if (values.id !== undefined && !/^[\w.-]{1,64}$/.test(values.id)) throw new UsageError('--id must be 1 to 64 letters, digits, dots, dashes or underscores');
    const config = loadConfig(process.env, {
      ...(values['data-dir'] ? { dataDir: values['data-dir'] } : {}),
      ...(values['models-dir'] ? { modelsDir: values['models-dir'] } : {}),
    });
    if (!config.redisUrl) throw new UsageError('lvcd worker takes runs from the queue in Redis: set LVCD_REDIS_URL, and LVCD_DATABASE_URL and LVCD_DATA_DIR as the API servers have them');
    // Loaded here so the other commands do not pay for Nest, TypeORM and BullMQ at start.
    const { startQueueWorker } = await import('../../scale/start-queue-worker.js');
    const offloadDecode = values['offload-decode'] === true;
    const { worker, stop } = await startQueueWorker(config, { concurrency, offloadDecode, ...(gpu !== undefined ? { gpu } : {}), ...(values.id ? { id: values.id } : {}) });
    console.log(`LVCD worker ${worker.describe().id} taking runs (concurrency ${concurrency}${gpu !== undefined ? `, GPU ${gpu}` : ''}${offloadDecode ? ', decoding on free workers' : ''})`);
    // SIGTERM (a deploy, a scale-down) hands the runs it has to other workers; Ctrl-C cancels and records them.
    await new Promise<void>((resolve) => {
      process.once('SIGTERM', () => void stop(true).then(resolve));
      process.once('SIGINT', () => void stop(false).then(resolve));
    });
    return EXIT.ok;
  },
};
