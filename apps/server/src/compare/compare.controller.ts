import { BadRequestException, Body, Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import type { Response } from 'express';
import { requireObject } from '../common/body.js';
import { isUuid, UuidPipe } from '../common/id-pipes.js';
import { sendFile } from '../http/send-file.js';
import { CompareService } from './compare.service.js';
import { FrameSequences, parseFrameIndex } from './frame-sequences.js';

/** Frame-by-frame access to a sequence artefact (what the compare view plays), beside GET /api/artifacts/:id. */
@Controller('api/artifacts')
export class SequenceFramesController {
  constructor(private readonly sequences: FrameSequences) {}

  @Get(':id/frames')
  info(@Param('id', UuidPipe) id: string) {
    return this.sequences.info(id);
  }

  @Get(':id/frames/:index')
  async frame(@Param('id', UuidPipe) id: string, @Param('index') rawIndex: string, @Res() res: Response): Promise<void> {
    const index = parseFrameIndex(rawIndex);
    const frame = await this.sequences.frame(id, index);
    if (typeof frame === 'string') return sendFile(res, frame, { mime: 'image/png', name: `frame_${index}.png`, attachment: false });
    res.setHeader('Content-Type', 'image/png');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Cache-Control', 'private, max-age=31536000, immutable');
    res.end(frame);
  }
}

@Controller('api/compare')
export class CompareController {
  constructor(private readonly compare: CompareService) {}

  @Get('metrics')
  metrics(@Query('a') a: unknown, @Query('b') b: unknown) {
    return this.compare.pairMetrics(requireUuid(a, 'a'), requireUuid(b, 'b'));
  }

  @Post('export')
  @HttpCode(201)
  export(@Body() raw: unknown) {
    const body = requireObject(raw);
    const a = requireUuid(body.a, 'a');
    const b = requireUuid(body.b, 'b');
    const artifactA = body.artifactA === undefined ? undefined : requireUuid(body.artifactA, 'artifactA');
    const artifactB = body.artifactB === undefined ? undefined : requireUuid(body.artifactB, 'artifactB');
    let labels: [string, string] | undefined;
    if (body.labels !== undefined) {
      const l = body.labels;
      if (!Array.isArray(l) || l.length !== 2 || !l.every((s) => typeof s === 'string' && s.length <= 120)) {
        throw new BadRequestException('"labels" must be two strings of at most 120 characters');
      }
      labels = [l[0] as string, l[1] as string];
    }
    let fps: number | undefined;
    if (body.fps !== undefined) {
      if (typeof body.fps !== 'number' || !Number.isFinite(body.fps) || body.fps <= 0 || body.fps > 120) throw new BadRequestException('"fps" must be a number above 0 and at most 120');
      fps = body.fps;
    }
    return this.compare.exportSideBySide({ a, b, ...(artifactA ? { artifactA } : {}), ...(artifactB ? { artifactB } : {}), ...(labels ? { labels } : {}), ...(fps ? { fps } : {}) });
  }

  @Get('exports/:id')
  async download(@Param('id', UuidPipe) id: string, @Query('download') download: unknown, @Res() res: Response): Promise<void> {
    const path = await this.compare.exportPath(id);
    await sendFile(res, path, { mime: 'video/mp4', name: `compare-${id.slice(0, 8)}.mp4`, attachment: download === '1' });
  }
}

function requireUuid(value: unknown, key: string): string {
  if (!isUuid(value)) throw new BadRequestException(`"${key}" must be a run or artifact id (a UUID)`);
  return value;
}
