import { AssetStore } from '@lvcd/nodes/runtime';
import { loadConfig } from '../../config/config.js';
import { dataPaths } from '../../config/data-paths.js';
import { onePositional, parse } from '../args.js';
import { EXIT, UsageError, type Command } from '../command.js';
import { addLocalAsset } from '../local-assets.js';
import { StudioClient } from '../studio-client.js';

export const assetsCommand: Command = {
  name: 'assets',
  summary: 'add a file (or a folder of numbered images, zipped) to the assets and print its id',
  usage:
    'lvcd assets add <FILE|FOLDER> [--data-dir DIR] [--server URL [--token TOKEN]]\n' +
    '  checks it as the studio checks an upload; --server uploads it to that studio (listed in its asset picker), otherwise it goes into the data dir lvcd run reads',
  async run(args) {
    const [verb, ...rest] = args;
    if (verb !== 'add') throw new UsageError(verb ? `unknown assets command "${verb}"` : 'expected a sub-command: add');
    const { values, positionals } = parse(rest, { 'data-dir': { type: 'string' }, server: { type: 'string' }, token: { type: 'string' } });
    const path = onePositional(positionals, 'file or folder');
    if (values.server) {
      const asset = await new StudioClient(values.server, values.token ?? process.env.LVCD_AUTH_TOKEN).uploadAsset(path);
      print(asset);
      return EXIT.ok;
    }
    const config = loadConfig(process.env, values['data-dir'] ? { dataDir: values['data-dir'] } : {});
    const store = new AssetStore(dataPaths(config.dataDir).assets);
    await store.init();
    print(await addLocalAsset(store, path, config.security));
    return EXIT.ok;
  },
};

/** The id alone on stdout, so `ID=$(lvcd assets add clip.zip)` works; what it is goes to stderr. */
function print(asset: { id: string; name: string; kind: string; size: number }): void {
  console.log(asset.id);
  console.error(`${asset.name}: ${asset.kind}, ${asset.size} bytes`);
}
