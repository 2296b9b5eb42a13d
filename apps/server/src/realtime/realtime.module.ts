import { Module } from '@nestjs/common';
import { RunsModule } from '../runs/runs.module.js';
import { RealtimeGateway } from './realtime.gateway.js';

@Module({ imports: [RunsModule], providers: [RealtimeGateway] })
export class RealtimeModule {}
