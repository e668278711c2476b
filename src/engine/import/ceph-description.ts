/**
 * The `description` OpTracker prints for the message types the IO path tracks (Pacific):
 *
 *   osd_op(client.4153.0:1 2.b 2:d96a01e0:::testobj:head [writefull 0~4096] snapc 0=[] ondisk+write+known_if_redirected e27)
 *   osd_repop(client.4153.0:1 2.b e27/25 2:d96a01e0:::testobj:head v 27'1, mlcod=0'0)
 *   osd_repop_reply(client.4153.0:1 2.b e27/25 ondisk, result = 0)
 *
 * (MOSDOp::print, MOSDRepOp::print, MOSDRepOpReply::print). The reqid (`client.4153.0:1` =
 * entity, incarnation, tid) is what joins a client op on the primary with its repops on the
 * replicas and the replies back. Anything else (MOSDPGPull, osd_backoff …) is `other`.
 */

export type TrackedKind = 'osd_op' | 'osd_repop' | 'osd_repop_reply' | 'other';

export interface Described {
  kind: TrackedKind;
  /** `client.4153.0:1`, or '' for `other`. */
  reqid: string;
  /** `2.b`, or ''. */
  pg: string;
  /** The object name (`testobj`, `rbd_data.1021d18ea65d.0000000000000000`), or ''. */
  object: string;
  /** OSD ops inside the brackets (`writefull 0~4096`), osd_op only. */
  ops: string[];
  /** `ondisk+write+known_if_redirected`, osd_op only. */
  flags: string;
  /** Whether the op modifies the object (osd_op: `write` in its flags; repops always). */
  write: boolean;
  /** `27'1` for osd_repop. */
  version: string;
}

const REQID = /^(?:client|osd|mds|mon|mgr)\.\d+\.\d+:\d+$/;

function other(): Described {
  return {
    kind: 'other',
    reqid: '',
    pg: '',
    object: '',
    ops: [],
    flags: '',
    write: false,
    version: '',
  };
}

/** The name part of a printed hobject_t: `2:d96a01e0:::testobj:head` → `testobj`. */
function objectName(hobj: string): string {
  const parts = hobj.split(':');
  // pool:hash:namespace:key:name:snap — the name may itself contain ':' (rare); take the middle.
  if (parts.length >= 6) return parts.slice(4, parts.length - 1).join(':');
  return hobj;
}

export function describe(description: string): Described {
  const open = description.indexOf('(');
  if (open <= 0 || !description.endsWith(')')) return other();
  const type = description.slice(0, open);
  const body = description.slice(open + 1, -1);
  const words = body.split(' ');
  const reqid = words[0] ?? '';
  if (!REQID.test(reqid)) return other();
  const pg = words[1] ?? '';
  if (type === 'osd_op') {
    const lb = body.indexOf('[');
    const rb = body.lastIndexOf(
      ']',
      body.indexOf(' snapc ') >= 0 ? body.indexOf(' snapc ') : body.length,
    );
    const ops =
      lb >= 0 && rb > lb
        ? body
            .slice(lb + 1, rb)
            .split(',')
            .map((s) => s.trim())
            .filter((s) => s !== '')
        : [];
    const tail = words.slice(-2);
    const flags =
      (tail[0] ?? '').includes('+') || /^[a-z_]+$/.test(tail[0] ?? '') ? (tail[0] ?? '') : '';
    const flagSet = new Set(flags.split('+'));
    return {
      kind: 'osd_op',
      reqid,
      pg,
      object: objectName(words[2] ?? ''),
      ops,
      flags,
      write: flagSet.has('write'),
      version: '',
    };
  }
  if (type === 'osd_repop') {
    const vi = words.indexOf('v');
    return {
      kind: 'osd_repop',
      reqid,
      pg,
      object: objectName(words[3] ?? ''),
      ops: [],
      flags: '',
      write: true,
      version: vi >= 0 ? (words[vi + 1] ?? '').replace(/,$/, '') : '',
    };
  }
  if (type === 'osd_repop_reply') {
    return {
      kind: 'osd_repop_reply',
      reqid,
      pg,
      object: '',
      ops: [],
      flags: '',
      write: true,
      version: '',
    };
  }
  return other();
}
