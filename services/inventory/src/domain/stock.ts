/** Stock of one product. Invariant: onHand = available + reserved + committed, every term >= 0. */
export interface Stock {
  readonly productId: string;
  readonly onHand: number;
  readonly available: number;
  readonly reserved: number;
  readonly committed: number;
  readonly updatedAt: string;
}

export interface StockRepository {
  get(productId: string): Promise<Stock | undefined>;
  /** Creates the row or sets on_hand; undefined when on_hand would drop below reserved + committed. */
  setOnHand(productId: string, onHand: number): Promise<Stock | undefined>;
}

/** What inventory needs to know about the catalog. */
export interface ProductDirectory {
  exists(productId: string): Promise<boolean>;
}
