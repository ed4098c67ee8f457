import { useEffect, useState } from 'preact/hooks';
import { product } from '../cart.ts';
import { Link } from '../router.tsx';

/** A product's name from the catalog, linked to its page. */
export function ProductName(props: { id: string }) {
  const [name, setName] = useState<string>();
  useEffect(() => {
    product(props.id).then(
      (p) => setName(p.name),
      () => setName('A product no longer sold'),
    );
  }, [props.id]);
  return <Link href={`/products/${props.id}`}>{name ?? 'Loading…'}</Link>;
}
