import { Inject, Injectable, Logger } from '@nestjs/common';
import { generateDemoClip } from '@lvcd/media';
import { DEMO_WORKFLOW_NAME, demoWorkflow, lvcdTemplateWorkflow } from '@lvcd/nodes/catalogue';
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AssetsService } from '../assets/assets.service.js';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';
import { WorkflowsService } from '../workflows/workflows.service.js';

/** The demo clip a fresh studio colours: synthetic, generated here, so nothing is downloaded. */
const DEMO_CLIP = { frames: 48, width: 576, height: 320, seed: 7, fps: 12 };

/**
 * Gives a fresh studio something real to run: a generated cartoon clip (with ground truth) as an asset, the
 * demo workflow that colours it with Flat Colorize, and the LVCD template on the same clip (it runs once a
 * model bundle named `lvcd` is converted into the models folder), each saved once under a fixed name.
 */
@Injectable()
export class DemoSeedService {
  private readonly log = new Logger('Demo');

  constructor(
    private readonly workflows: WorkflowsService,
    private readonly assets: AssetsService,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  /** The id of the saved demo workflow, creating the clip and the workflow on first use. */
  async ensureDemoWorkflow(): Promise<string> {
    const existing = (await this.workflows.list()).find((w) => w.name === DEMO_WORKFLOW_NAME);
    if (existing) return existing.id;
    this.log.log(`generating the demo clip (${DEMO_CLIP.frames} frames, ${DEMO_CLIP.width}x${DEMO_CLIP.height})`);
    const work = await mkdtemp(join(tmpdir(), 'lvcd-demo-'));
    try {
      const clip = await generateDemoClip(work, DEMO_CLIP);
      // Adopting moves the file into the store; copy it into the store's temp folder first (same disk).
      const temp = this.runtime.assets.tempPath();
      await copyFile(clip.zip, temp);
      const asset = await this.assets.adopt(temp, 'demo-clip.zip');
      const saved = await this.workflows.create(DEMO_WORKFLOW_NAME, demoWorkflow({ frames: asset.id }));
      const template = lvcdTemplateWorkflow({ frames: asset.id });
      await this.workflows.create(template.meta.name as string, template);
      this.log.log(`saved the demo workflow "${DEMO_WORKFLOW_NAME}" and the LVCD template`);
      return saved.id;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }
}
