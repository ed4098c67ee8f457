import { callerFrom, requireRole, validate } from '@shopstack/kit';
import type { Router } from 'express';
import { z } from 'zod';
import { getStock, type InventoryDeps, setOnHand } from '../domain/inventory.ts';

const params = z.object({ productId: z.uuid() });
const putBody = z.strictObject({ onHand: z.number().int().min(0).max(1_000_000_000) });

export function inventoryRoutes(deps: InventoryDeps): (router: Router) => void {
  return (router) => {
    router.get('/inventory/:productId', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      const { productId } = validate(params, req.params, 'path');
      res.json(await getStock(deps, productId));
    });
    router.put('/inventory/:productId', async (req, res) => {
      requireRole(callerFrom(req), 'admin');
      const { productId } = validate(params, req.params, 'path');
      const { onHand } = validate(putBody, req.body, 'body');
      res.json(await setOnHand(deps, productId, onHand));
    });
  };
}
