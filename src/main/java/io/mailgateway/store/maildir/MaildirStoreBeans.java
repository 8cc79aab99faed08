package io.mailgateway.store.maildir;

import io.mailgateway.store.DirectoryHealthCheck;
import io.mailgateway.store.StoreBeans;
import io.mailgateway.store.StoreContext;

/** Binds {@code maildirStore}, used by routes/store-maildir.camel.yaml, and its readiness check {@code maildirStoreHealth}. */
public final class MaildirStoreBeans implements StoreBeans {

    @Override
    public void bind(StoreContext context) {
        context.registry().accept("maildirStore", new MaildirStore(context.dataDir().resolve("maildir"), context.hostname(),
                "filesystem".equals(context.config().get("MAILDIR_SYNC"))));
        context.registry().accept("maildirStoreHealth", new DirectoryHealthCheck("maildir", context.dataDir().resolve("maildir")));
    }
}
