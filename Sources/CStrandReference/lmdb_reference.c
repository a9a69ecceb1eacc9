// Raw LMDB puts from C: the reference `strand bench ledger` measures the ledger's
// per-block commit against.
#include "strand_reference.h"
#include <lmdb.h>
#include <sys/stat.h>

int strand_reference_lmdb_open(const char *path, int no_sync, size_t map_size, void **env_out) {
    MDB_env *env;
    int rc = mdb_env_create(&env);
    if (rc) return rc;
    mkdir(path, 0755);
    mdb_env_set_mapsize(env, map_size);
    rc = mdb_env_open(env, path, no_sync ? (MDB_NOSYNC | MDB_NOMETASYNC) : 0, 0644);
    if (rc) { mdb_env_close(env); return rc; }
    *env_out = env;
    return 0;
}

int strand_reference_lmdb_put_batch(void *handle, const uint8_t *keys, const size_t *key_sizes,
                                    const uint8_t *values, const size_t *value_sizes, size_t count) {
    MDB_env *env = handle;
    MDB_txn *txn;
    MDB_dbi dbi;
    int rc = mdb_txn_begin(env, NULL, 0, &txn);
    if (rc) return rc;
    rc = mdb_dbi_open(txn, NULL, 0, &dbi);
    for (size_t i = 0; i < count && rc == 0; i++) {
        MDB_val k = { key_sizes[i], (void *)keys };
        MDB_val v = { value_sizes[i], (void *)values };
        rc = mdb_put(txn, dbi, &k, &v, 0);
        keys += key_sizes[i];
        values += value_sizes[i];
    }
    if (rc) { mdb_txn_abort(txn); return rc; }
    return mdb_txn_commit(txn);
}

void strand_reference_lmdb_close(void *env) { mdb_env_close(env); }
