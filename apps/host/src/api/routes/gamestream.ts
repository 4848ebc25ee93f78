// /api/v1/gamestream: what only GameStream (Moonlight) has, the apps a
// client may launch. Pairing is /pairing, paired clients /clients. Operator only.
import type { GameStreamAppsResponse } from '@punktfunk/shared';
import { Hono } from 'hono';
import type { ApiEnv, ApiResource } from '../context.js';
import { gamestreamAppsSchema } from '../schemas.js';

export const gamestreamResource: ApiResource = {
  base: '/gamestream',
  routes: ({ gamestreamApps }) =>
    new Hono<ApiEnv>().get('/apps', (c) => {
      const apps = gamestreamApps();
      const body: GameStreamAppsResponse = { enabled: apps !== null, apps: apps ?? [] };
      return c.json(body);
    }),
  openapi: {
    '/gamestream/apps': {
      get: {
        summary: 'The apps GameStream clients may launch (<config>/apps.json)',
        responses: { 200: { description: 'apps', schema: gamestreamAppsSchema } },
      },
    },
  },
};
