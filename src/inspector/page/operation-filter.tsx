/**
 * The Operation filter: on a connection that agreed a GraphQL subprotocol, one operation's
 * messages only (its subscribe / start, next / data, error, complete / stop), by the id they carry.
 * Listed: the ids seen on that connection, with the names their subscribe gave them.
 */
import type { Connection, Filter } from './model.js';

interface OperationFilterProps {
  /** The connection in view (the selected one, or the only one); none: no choice to make. */
  connection: Connection | undefined;
  value: Filter['operation'];
  onChange: (operation: Filter['operation']) => void;
}

export function OperationFilter({ connection, value, onChange }: OperationFilterProps) {
  if (!connection || connection.operations.size === 0) return null;
  const selected = value && value.conn === connection.conn ? value.id : '';
  return (
    <label>
      Operation{' '}
      <select value={selected} onChange={(e) => onChange(e.currentTarget.value === '' ? undefined : { conn: connection.conn, id: e.currentTarget.value })}>
        <option value="">all</option>
        {[...connection.operations].map(([id, name]) => (
          <option key={id} value={id}>
            #{id}
            {name ? ` ${name}` : ''}
          </option>
        ))}
      </select>
    </label>
  );
}
