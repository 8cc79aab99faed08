package io.mailgateway.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.spi.Resource;
import org.apache.camel.support.ResourceHelper;
import org.apache.camel.support.RouteWatcherReloadStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Live reload of edited route files (ROUTES_RELOAD=true) that never leaves the gateway without
 * a route. Camel reloads only the routes of the changed file; it stops them before it knows the
 * new version can be built (a bean that does not exist, say), so when a reload fails this puts
 * back the last version of that file that worked. A file that does not even parse is refused by
 * Camel before anything stops. Either way the error, with its line and column where the YAML
 * parser gives them, is logged.
 */
public final class RouteReloader extends RouteWatcherReloadStrategy {

    private static final Logger LOG = LoggerFactory.getLogger(RouteReloader.class);

    /** File name → the content of the last version that loaded. */
    private final Map<String, String> lastGood = new ConcurrentHashMap<>();

    public RouteReloader(Path directory, List<String> fileNames) {
        super(directory.toString(), false);
        setPattern(String.join(",", fileNames));
        setRemoveAllRoutes(false);
        for (String name : fileNames) {
            try {
                lastGood.put(name, Files.readString(directory.resolve(name), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    protected void onRouteReload(Collection<Resource> resources, boolean removeEverything) {
        try {
            super.onRouteReload(resources, removeEverything);
            resources.forEach(r -> lastGood.put(name(r), read(r)));
        } catch (RuntimeException refused) {
            // A file that did not parse stopped nothing; one whose routes could not be built did.
            List<Resource> previous = resources.stream()
                    .filter(r -> lastGood.containsKey(name(r)) && !hasRunningRoutes(name(r)))
                    .map(r -> ResourceHelper.fromString(r.getLocation(), lastGood.get(name(r)))).toList();
            if (!previous.isEmpty()) {
                super.onRouteReload(previous, false);
                LOG.error("route file(s) {} refused; the last good version is running again. Fix the file and save it again.",
                        previous.stream().map(RouteReloader::name).toList());
            }
            throw refused; // logged by Camel's file watcher with the parser's line and column
        }
    }

    private boolean hasRunningRoutes(String fileName) {
        return getCamelContext().getRoutes().stream()
                .anyMatch(route -> route.getSourceLocationShort() != null && route.getSourceLocationShort().startsWith(fileName + ":"));
    }

    private static String name(Resource r) {
        String location = r.getLocation();
        return location.substring(location.lastIndexOf('/') + 1);
    }

    private static String read(Resource r) {
        try (InputStream in = r.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
