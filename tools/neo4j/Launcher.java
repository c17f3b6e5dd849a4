/*
 * Embedded Neo4j Community with a Bolt connector, for local development and tests.
 *
 * Run with Java's single-file source launcher; there is no build step:
 *
 *   java -Xmx1g -cp <classpath from tools/neo4j/pom.xml> tools/neo4j/Launcher.java \
 *        --home <dir> [--host 127.0.0.1] [--port 7687] [--page-cache-mb 512] \
 *        [--parent-pid <pid>] [--exit-on-stdin-eof]
 *
 * Authentication: with SKEIN_NEO4J_PASSWORD set (an environment variable, so the password never
 * shows in `ps`), auth is on and user `neo4j` gets that password on every start; without it auth
 * is off (only for callers that know every local user may reach the port).
 *
 * Prints one line "SKEIN_NEO4J_READY bolt://<host>:<port>" once the default database is
 * available (port 0 picks a free port; the line carries the real one). Callers should
 * still verify over Bolt: the line only says the JVM thinks it is up.
 *
 * Normally driven by tools/local-services.ts.
 */

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.BoltConnectorInternalSettings;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.internal.helpers.HostnamePort;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.Level;
import org.neo4j.logging.log4j.Log4jLogProvider;

public final class Launcher {
    private static final String READY_MARKER = "SKEIN_NEO4J_READY";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        Options opts = Options.parse(args);

        // Watchdogs first: if our parent is already gone there is no point starting.
        if (opts.parentPid > 0) {
            exitWhenParentDies(opts.parentPid);
        }
        if (opts.exitOnStdinEof) {
            exitOnStdinEof();
        }

        String password = System.getenv("SKEIN_NEO4J_PASSWORD");
        boolean auth = password != null && !password.isEmpty();
        DatabaseManagementService dbms;
        try {
            dbms = build(opts, auth);
        } catch (RuntimeException e) {
            e.printStackTrace();
            // The stack trace is long; end with the one line that says what went wrong (a held
            // store lock, a taken port, ...) since callers show the tail of our output.
            System.err.println("neo4j: failed to start: " + rootCause(e).getMessage());
            System.exit(1);
            return;
        }
        // Registered as soon as there is a dbms to close: an unclean stop costs a recovery on
        // the next start. (A SIGTERM during build() exits without it; Neo4j recovers that store.)
        AtomicBoolean stopped = new AtomicBoolean(false);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> shutdown(dbms, stopped), "skein-neo4j-shutdown"));

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(TimeUnit.MINUTES.toMillis(5))) {
            System.err.println("neo4j: default database did not become available");
            System.exit(2);
        }
        if (auth) {
            setPassword(dbms, password);
        }
        System.out.println(READY_MARKER + " bolt://" + opts.host + ":" + boundBoltPort(db, opts.port));
        System.out.flush();
        // main returns; Neo4j's non-daemon threads keep the JVM alive until a signal or a watchdog.
    }

    /**
     * Gives user neo4j the password (the embedded API runs with full rights on the system
     * database, so no old password is needed). Setting the one it already has is refused as "the
     * same" by Neo4j, which is fine: the password is what it should be.
     */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (RuntimeException e) {
            if (!String.valueOf(rootCause(e).getMessage()).contains("same")) {
                throw e;
            }
        }
    }

    private static DatabaseManagementService build(Options opts, boolean auth) {
        return new DatabaseManagementServiceBuilder(Path.of(opts.home).toAbsolutePath())
                // Neo4j's user log (startup/shutdown, errors) goes to stdout so the caller's log file
                // has it; the verbose debug.log stays under <home>/logs.
                .setUserLogProvider(new Log4jLogProvider(System.out, Level.INFO))
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress(opts.host, opts.port))
                // Embedded mode does not serve HTTP, but the neo4j-server jar is on the classpath;
                // make sure nothing tries to bind the default 7474/7473.
                .setConfig(HttpConnector.enabled, false)
                .setConfig(HttpsConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                // No anonymous usage reports from a dev/test database (and no outbound network).
                .setConfig(GraphDatabaseSettings.udc_enabled, false)
                // Bolt waits 5 s for worker threads and again for connections on shutdown; nothing
                // local needs that grace, and it doubles test teardown time. (Internal settings,
                // pinned Neo4j version.)
                .setConfig(BoltConnectorInternalSettings.thread_pool_shutdown_wait_time, Duration.ofSeconds(1))
                .setConfig(BoltConnectorInternalSettings.connection_shutdown_wait_time, Duration.ofSeconds(1))
                // Preallocating 256 MiB transaction logs is wasted disk and time for throwaway stores.
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "1 files")
                .setConfig(GraphDatabaseSettings.logical_log_rotation_threshold, ByteUnit.mebiBytes(64))
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(opts.pageCacheMb))
                .build();
    }

    /** The port Bolt actually bound, which differs from the requested one only when that was 0. */
    private static int boundBoltPort(GraphDatabaseService db, int requested) {
        try {
            HostnamePort bound = ((GraphDatabaseAPI) db)
                    .getDependencyResolver()
                    .resolveDependency(ConnectorPortRegister.class)
                    .getLocalAddress(ConnectorType.BOLT);
            return bound != null ? bound.getPort() : requested;
        } catch (RuntimeException e) {
            return requested; // internal API; fall back rather than fail a working server
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    private static void shutdown(DatabaseManagementService dbms, AtomicBoolean stopped) {
        if (stopped.compareAndSet(false, true)) {
            long t0 = System.nanoTime();
            dbms.shutdown();
            System.out.println("neo4j: shut down in " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            System.out.flush();
        }
    }

    /**
     * A SIGKILLed parent cannot clean up after itself; without this an orphaned JVM would
     * keep the port and store lock. System.exit runs the shutdown hook, so the store is closed.
     */
    private static void exitWhenParentDies(long pid) {
        var parent = ProcessHandle.of(pid);
        if (parent.isEmpty() || !parent.get().isAlive()) {
            System.err.println("neo4j: parent process " + pid + " is gone; exiting");
            System.exit(3);
        }
        parent.get().onExit().thenRun(() -> {
            System.err.println("neo4j: parent process " + pid + " exited; shutting down");
            System.exit(0);
        });
    }

    /** The parent holds our stdin pipe; EOF means it died or deliberately let go of us. */
    private static void exitOnStdinEof() {
        Thread t = new Thread(() -> {
            try (InputStream in = System.in) {
                byte[] buf = new byte[256];
                while (in.read(buf) >= 0) {
                    // drain and ignore
                }
            } catch (IOException ignored) {
                // treated like EOF
            }
            System.err.println("neo4j: stdin closed; shutting down");
            System.exit(0);
        }, "skein-neo4j-stdin-watch");
        t.setDaemon(true);
        t.start();
    }

    private static final class Options {
        String home;
        String host = "127.0.0.1";
        int port = 7687;
        long pageCacheMb = envLong("SKEIN_NEO4J_PAGE_CACHE_MB", 512);
        long parentPid = -1;
        boolean exitOnStdinEof = false;

        static Options parse(String[] args) {
            Options o = new Options();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                switch (a) {
                    case "--home" -> o.home = value(args, ++i, a);
                    case "--host" -> o.host = value(args, ++i, a);
                    case "--port" -> o.port = Integer.parseInt(value(args, ++i, a));
                    case "--page-cache-mb" -> o.pageCacheMb = Long.parseLong(value(args, ++i, a));
                    case "--parent-pid" -> o.parentPid = Long.parseLong(value(args, ++i, a));
                    case "--exit-on-stdin-eof" -> o.exitOnStdinEof = true;
                    default -> usage("unknown argument: " + a);
                }
            }
            if (o.home == null) {
                usage("--home is required");
            }
            return o;
        }

        private static String value(String[] args, int i, String flag) {
            if (i >= args.length) {
                usage(flag + " needs a value");
            }
            return args[i];
        }

        private static long envLong(String name, long fallback) {
            String v = System.getenv(name);
            return v == null || v.isBlank() ? fallback : Long.parseLong(v.trim());
        }

        private static void usage(String problem) {
            System.err.println("neo4j launcher: " + problem);
            System.err.println("usage: Launcher --home <dir> [--host 127.0.0.1] [--port 7687] [--page-cache-mb 512]"
                    + " [--parent-pid <pid>] [--exit-on-stdin-eof]");
            System.exit(64);
        }
    }
}
