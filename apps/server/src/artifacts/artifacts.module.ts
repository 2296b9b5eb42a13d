import { Module } from '@nestjs/common';
import { ArtifactsController } from './artifacts.controller.js';
import { OutputListing } from './output-listing.js';
import { RunArtifactStore } from './run-artifact-store.js';

@Module({ controllers: [ArtifactsController], providers: [RunArtifactStore, OutputListing], exports: [RunArtifactStore] })
export class ArtifactsModule {}
