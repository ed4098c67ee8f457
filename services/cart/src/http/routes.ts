import { callerFrom, validate } from '@shopstack/kit';
import type { Response, Router } from 'express';
import { z } from 'zod';
import type { CartView } from '../domain/cart.ts';
import { type CartDeps, clearCart, getCart, removeItem, setQuantity, type Versioned } from '../domain/carts.ts';

const params = z.object({ productId: z.uuid() });
const putBody = z.strictObject({ quantity: z.number().int().min(0).max(99) });

/** Client ETags are the store's, quoted; anything unquoted is compared as given. */
const ifMatchOf = (header: string | undefined): string | undefined =>
  header
    ?.trim()
    .replace(/^W\//, '')
    .replace(/^"(.*)"$/, '$1');

const send = (res: Response, cart: Versioned<CartView>): void => {
  res.set('ETag', `"${cart.etag}"`).json(cart.value);
};

export function cartRoutes(deps: CartDeps): (router: Router) => void {
  return (router) => {
    router.get('/cart', async (req, res) => {
      send(res, await getCart(deps, callerFrom(req).id));
    });
    router.put('/cart/items/:productId', async (req, res) => {
      const userId = callerFrom(req).id;
      const { productId } = validate(params, req.params, 'path');
      const { quantity } = validate(putBody, req.body, 'body');
      send(res, await setQuantity(deps, { userId, productId, quantity, ifMatch: ifMatchOf(req.get('if-match')) }));
    });
    router.delete('/cart/items/:productId', async (req, res) => {
      const userId = callerFrom(req).id;
      const { productId } = validate(params, req.params, 'path');
      send(res, await removeItem(deps, { userId, productId, ifMatch: ifMatchOf(req.get('if-match')) }));
    });
    router.delete('/cart', async (req, res) => {
      await clearCart(deps, callerFrom(req).id, ifMatchOf(req.get('if-match')));
      res.status(204).end();
    });
  };
}
