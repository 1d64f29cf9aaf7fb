package io.github.lmworkbook;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class VersionTest {

    @Test
    void versionComesFromTheBuild() {
        String v = Version.get();
        // From target/classes there is no jar manifest: the filtered version.properties answers.
        assertTrue(v.matches("\\d+\\.\\d+\\.\\d+(-SNAPSHOT)?"), v);
        assertFalse(v.contains("${"));
        assertTrue(Version.describe().contains(v) && Version.describe().contains(Runtime.version().toString()));
    }
}
