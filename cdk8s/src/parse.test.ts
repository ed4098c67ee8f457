import { describe, expect, it } from 'vitest';
import { InvalidSpecError, parseSpec } from './parse.ts';

describe('parseSpec', () => {
  it('when only the version is given, every default is filled in', () => {
    // WHEN
    const spec = parseSpec({ version: '1.0.0' });

    // THEN
    // replicas stay unset (1 when rendered), so that autoscaling can tell them apart from a choice
    expect(spec.services.orders).toEqual({
      writableRootFilesystem: false,
      resources: { requests: { cpu: '40m', memory: '128Mi' }, limits: { memory: '256Mi' } },
    });
    expect(spec.database).toMatchObject({ mode: 'managed', managed: { storage: '10Gi', volumeRetention: 'Retain' } });
    expect(spec.dapr).toEqual({
      mtls: true,
      logLevel: 'info',
      sidecarGoMaxProcs: 1,
      sidecarResources: { requests: { cpu: '10m', memory: '64Mi' }, limits: { memory: '512Mi' } },
      controlPlaneNamespace: 'dapr-system',
      tracing: { samplingRate: '1', otlpProtocol: 'grpc', otlpInsecure: true },
    });
    expect(spec.ingress.enabled).toBe(true);
  });

  it('when replicas are out of bounds, the error names the field and the value', () => {
    expect(() => parseSpec({ version: '1.0.0', services: { cart: { replicas: 99 } } })).toThrow(
      /spec\.services\.cart\.replicas: .*20.*\(got 99\)/,
    );
  });

  it("when the sidecars' GOMAXPROCS is not a whole number from 0 to 256, the error names the field", () => {
    expect(() => parseSpec({ version: '1.0.0', dapr: { sidecarGoMaxProcs: 1.5 } })).toThrow(
      /spec\.dapr\.sidecarGoMaxProcs: .*\(got 1\.5\)/,
    );
    expect(() => parseSpec({ version: '1.0.0', dapr: { sidecarGoMaxProcs: -1 } })).toThrow(
      /spec\.dapr\.sidecarGoMaxProcs: .*0.*\(got -1\)/,
    );
  });

  it('when a request exceeds its limit, the error names the request', () => {
    // GIVEN
    const spec = {
      version: '1.0.0',
      services: { orders: { resources: { requests: { memory: '1Gi' }, limits: { memory: '512Mi' } } } },
    };

    // WHEN
    const error = (() => {
      try {
        parseSpec(spec);
      } catch (err) {
        return err;
      }
    })();

    // THEN
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect((error as InvalidSpecError).problems).toEqual([
      'spec.services.orders.resources.requests.memory: request 1Gi exceeds limit 512Mi',
    ]);
  });

  it("when a sidecar's request exceeds its limit, the error names the sidecar's field", () => {
    expect(() =>
      parseSpec({
        version: '1.0.0',
        dapr: { sidecarResources: { requests: { memory: '1Gi' }, limits: { memory: '64Mi' } } },
      }),
    ).toThrow(/spec\.dapr\.sidecarResources\.requests\.memory: request 1Gi exceeds limit 64Mi/);
  });

  it('when the version is missing, the error says so', () => {
    expect(() => parseSpec({})).toThrow(/spec\.version: .*\(got missing\)/);
  });
});
