import type { HTTPMethods } from 'fastify';
import { expect, it } from 'vitest';
import { describeApi } from '../support/api';

describeApi('health and OpenAPI', (ctx) => {
  it('answers /api/health with the engine and schema version', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/health' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', database: ctx.engine, schemaVersion: expect.stringMatching(/^\d{14}$/) });
  });

  it('serves a generated OpenAPI document covering every API route, and a browsable UI', async () => {
    const document = (await ctx.app.inject({ method: 'GET', url: '/api/docs/json' })).json();
    expect(document.openapi).toMatch(/^3\./);
    expect(document.info.title).toBe('EDUZEN API');
    const routes = ctx.app.printRoutes({ commonPrefix: false });
    expect(routes).toContain('/api/programs');
    // Every API route, each with all its methods: a route added without its entry here fails.
    const expected: Record<string, string[]> = {
      '/api/health': ['get'],
      '/api/auth/login': ['post'],
      '/api/auth/logout': ['post'],
      '/api/auth/me': ['get'],
      '/api/organization': ['get', 'patch'],
      '/api/programs': ['get', 'post'],
      '/api/programs/{id}': ['get', 'patch', 'delete'],
      '/api/programs/{id}/formations': ['post'],
      '/api/formations': ['get', 'post'],
      '/api/formations/{id}': ['get', 'patch', 'delete'],
      '/api/sessions': ['get', 'post'],
      '/api/sessions/trainers': ['get'],
      '/api/sessions/{id}': ['get', 'patch', 'delete'],
      '/api/sessions/{id}/slots': ['get', 'post'],
      '/api/sessions/{id}/slots/generate': ['post'],
      '/api/sessions/{id}/slots/{slotId}': ['patch', 'delete'],
      '/api/slots': ['get'],
      '/api/sessions/{id}/enrollments': ['get'],
      '/api/sessions/{id}/attendance': ['get', 'put'],
      '/api/sessions/{id}/attendance/bulk': ['post'],
      '/api/attendance/due': ['get'],
      '/api/sessions/{id}/grades': ['get', 'put'],
      '/api/sessions/{id}/grades/{gradeId}': ['delete'],
      '/api/sessions/{id}/export/attendance.csv': ['get'],
      '/api/sessions/{id}/export/enrollments.csv': ['get'],
      '/api/students': ['get', 'post'],
      '/api/students/{id}': ['get', 'patch', 'delete'],
      '/api/students/import': ['post'],
      '/api/enrollments': ['get', 'post'],
      '/api/enrollments/{id}': ['get', 'patch', 'delete'],
      '/api/users': ['get', 'post'],
      '/api/users/{id}': ['get', 'patch', 'delete'],
    };
    expect(Object.keys(document.paths).sort()).toEqual(Object.keys(expected).sort());
    for (const [path, methods] of Object.entries(expected)) {
      expect(Object.keys(document.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
      // …and each documented operation is one the app serves.
      const url = path.replace(/\{(\w+)\}/g, ':$1');
      for (const method of methods) expect(ctx.app.hasRoute({ method: method.toUpperCase() as HTTPMethods, url }), `${method} ${url}`).toBe(true);
    }
    // The half-day schedule of a session is gone with its route.
    expect(document.paths['/api/sessions/{id}/days']).toBeUndefined();
    expect(ctx.app.hasRoute({ method: 'GET', url: '/api/sessions/:id/days' })).toBe(false);
    // Every documented operation declares its responses, generated from the zod schemas.
    for (const [path, operations] of Object.entries<Record<string, { responses?: object }>>(document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        expect(operation.responses, `${method.toUpperCase()} ${path}`).toBeDefined();
      }
    }
    const loginBody = document.paths['/api/auth/login'].post.requestBody.content['application/json'].schema;
    expect(loginBody.required).toEqual(expect.arrayContaining(['email', 'password']));
    const ui = await ctx.app.inject({ method: 'GET', url: '/api/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.headers['content-type']).toMatch(/text\/html/);
  });

  it('answers unknown API routes with a JSON 404 in the error format', async () => {
    const response = await ctx.app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'NOT_FOUND', message: 'no route for GET /api/nothing-here' } });
  });
});
