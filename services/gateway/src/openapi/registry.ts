import { OpenAPIRegistry, OpenApiGeneratorV31, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

export type { RouteConfig };

/** RFC 9457 problem details, as every error of the API is sent. */
export const problemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string().optional(),
    instance: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export interface ApiDocument {
  /** Adds one operation; called by route modules (see http/route.ts) for every public route. */
  registerRoute(route: RouteConfig): void;
  /** The OpenAPI 3.1 document of everything registered so far. */
  document(): ReturnType<OpenApiGeneratorV31['generateDocument']>;
}

export function createApiDocument(): ApiDocument {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'Access token from POST /api/v1/auth/login',
  });
  let cached: ReturnType<OpenApiGeneratorV31['generateDocument']> | undefined;
  return {
    registerRoute(route) {
      registry.registerPath(route);
      cached = undefined;
    },
    document() {
      cached ??= new OpenApiGeneratorV31(registry.definitions).generateDocument({
        openapi: '3.1.0',
        info: {
          title: 'ShopStack API',
          version: '1.0.0',
          description: 'The public REST API of ShopStack. Errors are application/problem+json (RFC 9457).',
        },
        servers: [{ url: '/' }],
      });
      return cached;
    },
  };
}
