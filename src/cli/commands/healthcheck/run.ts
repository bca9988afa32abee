import { runHealthcheck } from '../../../engine/container-health.ts';
import type { CommandSpec } from '../../command.ts';

export const command: CommandSpec = {
  use: 'run CONTAINER',
  short: 'run the health check of a container',
  long: 'run the health check of a container',
  examples: ['skiff healthcheck run mywebapp'],
  minArgs: 1,
  maxArgs: 1,
  async run(ctx, _flags, args) {
    const engine = await ctx.engine();
    const report = await runHealthcheck(engine.containers, args[0]!);
    if (report.Status === 'healthy') return 0;
    ctx.out(`${report.Status}\n`);
    return 1;
  },
};
