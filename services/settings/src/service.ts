import { defineService } from '@mercato/platform/http';
import type { SettingsDB } from './db.ts';
import { SettingsErrors } from './errors.ts';
import { registerFlagRoutes } from './feature-flags/flag-routes.ts';
import { createFlagService } from './feature-flags/flag-service.ts';
import { seedSettings } from './seed.ts';
import { registerSettingRoutes } from './settings/setting-routes.ts';
import { createSettingService } from './settings/setting-service.ts';

/** The settings service: typed settings and feature flags (port 8114, schema `settings`). */
export const settingsService = defineService<SettingsDB>({
  name: 'settings',
  schema: 'settings',
  description: 'Typed settings (each validated by its JSON Schema) and feature flags with stable rollouts',
  errors: SettingsErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  routes(app, ctx) {
    registerSettingRoutes(app, createSettingService(ctx));
    registerFlagRoutes(app, createFlagService(ctx));
  },
  seed: seedSettings,
});
