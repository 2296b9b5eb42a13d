import { Inject, Injectable, Logger } from '@nestjs/common';
import { generateDemoClip } from '@lvcd/media';
import type { SeedKey, WorkflowDocument } from '@lvcd/nodes';
import { DEMO_WORKFLOW_NAME, LVCD_TEMPLATE_NAME, demoWorkflow, lvcdTemplateWorkflow } from '@lvcd/nodes/catalogue';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetsService } from '../assets/assets.service.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { SeededWorkflows } from '../workflows/seeded-workflows.js';
import { WorkflowsService } from '../workflows/workflows.service.js';

/** The demo clip a fresh studio colours: synthetic, generated here, so nothing is downloaded. */
const DEMO_CLIP = { frames: 48, width: 576, height: 320, seed: 7, fps: 12 };

/** The file name the demo clip is stored under; a start that finds it uses it rather than generating another. */
const DEMO_CLIP_NAME = 'demo-clip.zip';

/**
 * Gives a fresh studio something real to run: a generated cartoon clip (with ground truth) as an asset, the
 * demo workflow that colours it with Flat Colorize, and the LVCD template on the same clip (it runs once a
 * model bundle named `lvcd` is converted into the models folder). Each is made once per data dir: workflows are
 * found again by their seed (not their name, which a user may change on a copy), the clip by its stored name.
 */
@Injectable()
export class DemoSeedService {
  private readonly log = new Logger('Demo');

  constructor(
    private readonly workflows: WorkflowsService,
    private readonly seeded: SeededWorkflows,
    private readonly assets: AssetsService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** The id of the saved demo workflow, creating the clip and the seeded workflows that are missing. */
  async ensureDemoWorkflow(): Promise<string> {
    const clip = lazy(() => this.demoClip());
    const demo = await this.ensure('demo', DEMO_WORKFLOW_NAME, async () => demoWorkflow({ frames: await clip() }));
    await this.ensure('lvcd-template', LVCD_TEMPLATE_NAME, async () => lvcdTemplateWorkflow({ frames: await clip() }));
    return demo;
  }

  private async ensure(seed: SeedKey, name: string, build: () => Promise<WorkflowDocument>): Promise<string> {
    const known = await this.seeded.find(seed);
    if (known) return known;
    // A data dir seeded before seeds were recorded: the workflow of that name is the seeded one.
    const [legacy] = (await this.seeded.label(await this.workflows.list())).filter((w) => w.name === name && !w.seed).reverse();
    const id = legacy?.id ?? (await this.workflows.create(name, await build())).id;
    await this.seeded.mark(seed, id);
    if (!legacy) this.log.log(`saved the seeded workflow "${name}"`);
    return id;
  }

  /** The demo clip's asset id: the stored one, or one generated now. */
  private async demoClip(): Promise<string> {
    const stored = (await this.assets.list()).find((a) => a.name === DEMO_CLIP_NAME && this.runtime.assets.exists(a.id));
    if (stored) return stored.id;
    this.log.log(`generating the demo clip (${DEMO_CLIP.frames} frames, ${DEMO_CLIP.width}x${DEMO_CLIP.height})`);
    const work = await mkdtemp(join(tmpdir(), 'lvcd-demo-'));
    try {
      const clip = await generateDemoClip(work, DEMO_CLIP);
      // Adopting moves the file into the store; copy it into the store's temp folder first (same disk).
      const temp = this.runtime.assets.tempPath();
      await copyFile(clip.zip, temp);
      return (await this.assets.adopt(temp, DEMO_CLIP_NAME)).id;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}

/** `make()` once, on first call: the clip is generated only when a seeded workflow needs it. */
function lazy<T>(make: () => Promise<T>): () => Promise<T> {
  let made: Promise<T> | undefined;
  return () => (made ??= make());
}
