import { AppError } from '@shopstack/kit';
import {
  normalizeItems,
  type Reservation,
  type ReservationItem,
  type ReservationRepository,
  sameItems,
} from './reservation.ts';

/** Reserves stock for an order; the same order id with other items is a 422 (an idempotency conflict). */
export async function reserveStock(
  repo: ReservationRepository,
  orderId: string,
  items: readonly ReservationItem[],
): Promise<Reservation> {
  const wanted = normalizeItems(items);
  const reservation = await repo.reserve(orderId, wanted);
  if (!sameItems(reservation.items, wanted) && reservation.status !== 'released') {
    throw new AppError(422, `order ${orderId} already holds a reservation for other items`);
  }
  return reservation;
}

export async function commitStock(repo: ReservationRepository, orderId: string): Promise<Reservation> {
  const result = await repo.commit(orderId);
  if (result.ok) return result.reservation;
  if (!result.current) throw AppError.notFound(`order ${orderId} has no reservation`);
  throw new AppError(409, `the reservation of order ${orderId} is ${result.current.status} and cannot be committed`);
}

/** Gives the units back; with `onlyReserved` a committed sale is a 409 instead. */
export async function releaseStock(
  repo: ReservationRepository,
  orderId: string,
  onlyReserved: boolean,
): Promise<Reservation> {
  const result = await repo.release(orderId, onlyReserved);
  if (result.ok) return result.reservation;
  throw new AppError(409, `the reservation of order ${orderId} is ${result.current?.status} and was not released`);
}
