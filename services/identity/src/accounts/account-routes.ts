import type { ServiceApp } from '@mercato/platform/http';
import type { IdentityContext } from '../identity-context.ts';
import { registerMfaRoutes } from '../mfa/mfa-routes.ts';
import { createMfaService } from '../mfa/mfa-service.ts';
import { registerPasswordRoutes } from '../passwords/password-routes.ts';
import { createPasswordService } from '../passwords/password-service.ts';
import { createUserAdminService } from '../users/user-admin-service.ts';
import { registerUserRoutes } from '../users/user-routes.ts';
import { registerRegistrationRoutes } from './registration-routes.ts';
import { createRegistrationService } from './registration-service.ts';
import { registerSessionRoutes } from './session-routes.ts';
import { createSessionService } from './session-service.ts';

/** Every account route: sign-up, sign-in, passwords, MFA, the admin user API and /auth/me. */
export function registerAccountRoutes(app: ServiceApp, identity: IdentityContext): void {
  registerRegistrationRoutes(app, createRegistrationService(identity));
  registerSessionRoutes(app, createSessionService(identity));
  registerMfaRoutes(app, createMfaService(identity));
  registerPasswordRoutes(app, createPasswordService(identity));
  registerUserRoutes(app, createUserAdminService(identity));
}
