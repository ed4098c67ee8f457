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

export interface ProductRepository {
  list(query: ProductQuery): Promise<Page<Product>>;
  get(id: string): Promise<Product | undefined>;
}
