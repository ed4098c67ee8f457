// The public API's shapes (../shared/API.md), as the page uses them.

export interface Product {
  readonly id: string;
  readonly sku: string;
  readonly name: string;
  readonly description: string;
  readonly priceCents: number;
  readonly currency: string;
  readonly category: string;
  readonly version: number;
}

export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor: string | null;
}

export interface User {
  readonly id: string;
  readonly email: string;
  readonly name: string;
  readonly roles: readonly string[];
}

export interface CartItem {
  readonly productId: string;
  readonly quantity: number;
  readonly unitPriceCents: number;
}

export interface Cart {
  readonly items: readonly CartItem[];
  readonly totalCents: number;
  readonly currency: string;
}

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'CANCELLED';
export type CancelReason = 'out_of_stock' | 'payment_declined' | 'expired' | 'customer';

export interface Order {
  readonly id: string;
  readonly status: OrderStatus;
  readonly reason?: CancelReason;
  readonly items: readonly CartItem[];
  readonly totalCents: number;
  readonly currency: string;
  readonly payment: { readonly status: string; readonly amountCents: number } | null;
  readonly createdAt: string;
  readonly updatedAt: string;
}

export interface Stock {
  readonly productId: string;
  readonly onHand: number;
  readonly available: number;
  readonly reserved: number;
}

/** RFC 9457 problem details, as every error of the API comes. */
export interface Problem {
  readonly type?: string;
  readonly title?: string;
  readonly status?: number;
  readonly detail?: string;
  readonly errors?: readonly { readonly path: string; readonly message: string }[];
}
