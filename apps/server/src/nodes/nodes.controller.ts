import { Controller, Get, Inject } from '@nestjs/common';
import type { NodeSpec } from '@lvcd/nodes';
import { RUNTIME } from '../runtime/runtime.module.js';
import type { Runtime } from '../runtime/runtime.js';

@Controller('api/nodes')
export class NodesController {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  @Get()
  list(): NodeSpec[] {
    return this.runtime.registry.list();
  }
}
