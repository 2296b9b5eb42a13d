import { Module } from '@nestjs/common';
import { ArtifactsController } from './artifacts.controller.js';
import { RunArtifactStore } from './run-artifact-store.js';

@Module({ controllers: [ArtifactsController], providers: [RunArtifactStore], exports: [RunArtifactStore] })
export class ArtifactsModule {}
