import { Module } from '@nestjs/common';
import { ReproducibilityController } from './reproducibility.controller.js';

@Module({ controllers: [ReproducibilityController] })
export class ReproducibilityModule {}
