/**
 * `daos.setup`: the calls an application makes before any I/O (connect the pool, create and
 * open a container, make an object id, open the object). They are local or control-plane calls
 * in this model: one point event each, carrying the handles and ids they produce.
 */
import type { PipelineDef } from './types.ts';
import { DAOS_LANES } from './lanes.ts';

export const DAOS_SETUP: PipelineDef = {
  id: 'daos.setup',
  system: 'daos',
  title: 'DAOS pool, container and object setup',
  summary:
    'Before I/O: connect to a pool, create and open a container, generate an object id (the ' +
    'class and type are encoded in its high bits) and open the object (its layout is computed ' +
    'locally, no RPC).',
  lanes: DAOS_LANES,
  steps: [
    {
      id: 'daos_pool_connect',
      lane: 'client',
      caption:
        'Connect to a pool: the client gets a pool handle and the pool map (which targets exist).',
      source: 'src/client/api/pool.c',
    },
    {
      id: 'daos_cont_create',
      lane: 'client',
      caption: 'Create a container: a new object address space inside the pool.',
      source: 'src/client/api/container.c',
    },
    {
      id: 'daos_cont_open',
      lane: 'client',
      caption: 'Open the container: the client gets a container handle with read/write capability.',
      source: 'src/client/api/container.c',
    },
    {
      id: 'daos_obj_generate_oid',
      lane: 'client',
      caption:
        'Make a 128-bit object id. DAOS writes the object type, the redundancy method and the ' +
        'number of groups into the top 32 bits; the rest belongs to the application.',
      source: 'src/object/cli_obj.c',
    },
    {
      id: 'daos_obj_open',
      lane: 'client',
      caption:
        'Open the object: its layout (which target holds each shard) is computed locally from ' +
        'the oid and the pool map; no message is sent.',
      source: 'src/client/api/object.c',
    },
    {
      id: 'daos_array_close',
      lane: 'client',
      caption: 'Close the array: the object handle and the cached cell/chunk sizes are dropped.',
      source: 'src/client/array/dc_array.c',
      optional: true,
    },
  ],
};
