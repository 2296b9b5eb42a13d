import { Module } from '@nestjs/common';
import { ArtifactsModule } from '../artifacts/artifacts.module.js';
import { RunsModule } from '../runs/runs.module.js';
import { CompareController, SequenceFramesController } from './compare.controller.js';
import { CompareService } from './compare.service.js';
import { FrameSequences } from './frame-sequences.js';

/** Comparing two runs: single frames of their sequences, pairwise metrics and side-by-side mp4 exports. */
@Module({
  imports: [ArtifactsModule, RunsModule],
  controllers: [SequenceFramesController, CompareController],
  providers: [FrameSequences, CompareService],
})
export class CompareModule {}
