import {
  type CreateNodeOptions,
  type DocumentOptions,
  Schema,
  type SchemaOptions,
  stringify,
  type ToStringOptions,
} from 'yaml';

/**
 * The one YAML writer for every file ShopStack writes (`cdk8s synth`, the CRD, components/, kubeconfigs).
 * The `yaml` package writes YAML 1.2, where `yes` or `0755` are strings; kubectl, Helm and Go scanners read
 * YAML 1.1 (go-yaml v2 through sigs.k8s.io/yaml), where they are a boolean and an octal number. Strings
 * that either reading would take for something else are quoted, so a file means the same to both.
 */
export type YamlOptions = DocumentOptions & SchemaOptions & CreateNodeOptions & ToStringOptions;

/** go-yaml v2 reads numbers with Go's strconv (base 0), which also takes `0O17`, `0X1F` and `0B1`. */
const goNumber = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  test: /^[-+]?0[bBoOxX][0-9a-fA-F_]+$/,
  resolve: (text: string) => text,
} as const;

/** Tags whose plain forms must be quoted when they are strings: YAML 1.1's (bools, octal, base 60, dates) and Go's. */
const yaml11Readers = [...new Schema({ schema: 'yaml-1.1' }).tags, goNumber];

/** `value` as one YAML document whose every string reads as a string under YAML 1.1, 1.2 and go-yaml. */
export function toYaml(value: unknown, options: YamlOptions = {}): string {
  return stringify(value, { ...options, compat: yaml11Readers });
}

/** Several values as one `---`-separated YAML stream, each written by `toYaml`. */
export function toYamlStream(values: readonly unknown[], options: YamlOptions = {}): string {
  return values.map((value) => toYaml(value, options)).join('---\n');
}
