import { serviceManifests } from '@mercato/contracts';
import { defineService } from '@mercato/platform/service';
import type { SettingsDB } from './db.ts';
import { SettingsErrors } from './errors.ts';
import { registerFlagRoutes } from './feature-flags/flag-routes.ts';
import { createFlagService } from './feature-flags/flag-service.ts';
import { seedSettings } from './seed.ts';
import { registerSettingRoutes } from './settings/setting-routes.ts';
import { createSettingService } from './settings/setting-service.ts';

/** The settings service: typed settings and feature flags. */
export const settingsService = defineService<SettingsDB>()({
  manifest: serviceManifests.settings,
  errors: SettingsErrors.catalog,
  migrations: new URL('../migrations/', import.meta.url),
  routes(app, ctx) {
    registerSettingRoutes(app, createSettingService(ctx));
    registerFlagRoutes(app, createFlagService(ctx));
  },
  seed: seedSettings,
});
