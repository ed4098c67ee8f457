import { ApiObject, type ApiObjectProps } from 'cdk8s';
import type { Construct } from 'constructs';

/** The parts of a Kubernetes object every construct here sets. */
export interface ObjectHead {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
}

/**
 * A plain cdk8s ApiObject whose body is checked against a Kubernetes type (the @kubernetes/client-node
 * models, imported as types only). Simpler than cdk8s-plus's opinions and exact about every field.
 */
export function kubeObject<T extends object>(scope: Construct, id: string, body: T & ObjectHead): ApiObject {
  return new ApiObject(scope, id, body as unknown as ApiObjectProps);
}
