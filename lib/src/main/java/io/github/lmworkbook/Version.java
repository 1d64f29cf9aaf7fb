package io.github.lmworkbook;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The library's version, for notebooks and tools that want to print what they run against. */
public final class Version {

    private Version() {
    }

    /**
     * The version: {@code Implementation-Version} from the jar manifest when running from the jar, else the
     * version Maven wrote into {@code io/github/lmworkbook/version.properties}, else {@code "dev"}.
     *
     * @return the library's version, e.g. "0.1.0-SNAPSHOT", or "dev"
     */
    public static String get() {
        String v = Version.class.getPackage() == null ? null : Version.class.getPackage().getImplementationVersion();
        if (v != null && !v.isBlank()) {
            return v;
        }
        try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                Properties p = new Properties();
                p.load(in);
                String pv = p.getProperty("version");
                if (pv != null && !pv.isBlank() && !pv.contains("${")) {
                    return pv.trim();
                }
            }
        } catch (IOException ignored) {
            // fall through
        }
        return "dev";
    }

    /**
     * One line naming the library version, the Java version and whether the Vector API module is present.
     *
     * @return the line, e.g. for the CLI's {@code --version}
     */
    public static String describe() {
        boolean vector = ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent();
        return "LM Workbook " + get() + " on Java " + Runtime.version()
                + (vector ? " (Vector API available)" : " (Vector API not loaded: add --add-modules=jdk.incubator.vector)");
    }
}
