/** A product as the API shows it. Money is integer minor units. */
export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly category: string;
  readonly version: number;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export type ProductFields = Pick<Product, 'sku' | 'name' | 'description' | 'priceCents' | 'currency' | 'category'>;

export interface ProductQuery {
  readonly q?: string;
  readonly category?: string;
  readonly limit: number;
  readonly cursor?: string;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

/** What a conditional write found: done, a version other than the expected one, or no live product. */
export type WriteOutcome<T> =
  | { readonly kind: 'done'; readonly value: T }
  | { readonly kind: 'stale' }
  | { readonly kind: 'missing' }
  | { readonly kind: 'duplicate-sku' };

export interface ProductRepository {
  list(query: ProductQuery): Promise<Page<Product>>;
  get(id: string): Promise<Product | undefined>;
  create(fields: ProductFields): Promise<WriteOutcome<Product>>;
  /** `expectedVersion` undefined means any version (If-Match: *). */
  update(
    id: string,
    expectedVersion: number | undefined,
    patch: Partial<ProductFields>,
  ): Promise<WriteOutcome<Product>>;
  softDelete(id: string, expectedVersion: number | undefined): Promise<WriteOutcome<Product>>;
}
