import { runServiceProcess } from '@mercato/platform/runtime';
import { identityService } from './service.ts';

await runServiceProcess(identityService, 8101);
