import { describe, expect, it } from 'vitest';
import { DER, ERRNO, IoError, der, errno, rcName, rcOf } from './errors.ts';

describe('error tables', () => {
  it('has the DAOS values of spec §1.11', () => {
    expect(der('NONEXIST')).toBe(-1005);
    expect(der('NO_HDL')).toBe(-1002);
    expect(der('INVAL')).toBe(-1003);
    expect(der('NOSPACE')).toBe(-1007);
    expect(der('STALE')).toBe(-2007);
    expect(der('REC2BIG')).toBe(-2013);
    expect(der('INPROGRESS')).toBe(-2018);
    expect(der('CSUM')).toBe(-2021);
    expect(der('TX_RESTART')).toBe(-2025);
    expect(der('VOS_PARTIAL_UPDATE')).toBe(-2045);
    expect(der('OVERLOAD_RETRY')).toBe(-2048);
    expect(der('QUOTA_LIMIT')).toBe(-1046);
    expect(der('IGNORE')).toBe(-2052);
  });

  it('is dense over both DAOS ranges with unique values', () => {
    const values = Object.values(DER);
    expect(new Set(values).size).toBe(values.length);
    for (let v = 1001; v <= 1046; v++) expect(values).toContain(v);
    for (let v = 2001; v <= 2052; v++) expect(values).toContain(v);
  });

  it('names return codes of both systems', () => {
    expect(rcName(0)).toBe('OK');
    expect(rcName(-1005)).toBe('DER_NONEXIST');
    expect(rcName(-2)).toBe('ENOENT');
    expect(rcName(errno('ENOSPC'))).toBe('ENOSPC');
    expect(rcName(-999999)).toBe('UNKNOWN(-999999)');
    expect(ERRNO.ETIMEDOUT).toBe(110);
  });

  it('IoError carries the code and its name', () => {
    const e = new IoError(der('NO_PERM'), 'read-only handle');
    expect(e.rc).toBe(-1001);
    expect(e.rcName).toBe('DER_NO_PERM');
    expect(e.message).toContain('read-only handle');
    expect(rcOf(e)).toBe(-1001);
    expect(() => rcOf(new TypeError('bug'))).toThrow(TypeError);
  });
});
