package io.mailgateway.store.archive;

import io.mailgateway.store.DirectoryHealthCheck;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;

/** Binds {@code archiveStore}, used by routes/store-archive.camel.yaml, and its readiness check {@code archiveStoreHealth}. */
public final class ArchiveStoreBeans implements StoreBeans {

    @Override
    public void bind(StoreContext context) {
        ArchiveWriter writer = new ArchiveWriter(context.dataDir().resolve("archive"));
        context.registry().accept("archiveStore", new ArchiveStore(writer));
        context.closeOnStop().accept(writer);
        context.registry().accept("archiveStoreHealth", new DirectoryHealthCheck("archive", context.dataDir().resolve("archive")));
    }
}
