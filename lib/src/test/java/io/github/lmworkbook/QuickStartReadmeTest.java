package io.github.lmworkbook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.lmworkbook.data.ProjectRoot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The README's plain-Java quick start is {@code consumer/src/main/java/quickstart/QuickStart.java}, verbatim: the
 * consumer module compiles that file against the library as a Maven dependency (nothing of the workbook's build
 * inherited) and runs it in {@code mvn verify}. This test holds the README's code block to the file, so that what a
 * reader copies is what was compiled and run.
 */
class QuickStartReadmeTest {
    static final String MARKER = "<!-- quick start: consumer/src/main/java/quickstart/QuickStart.java -->";

    static Path root() {
        String prop = System.getProperty("lmworkbook.root");
        return prop != null && !prop.isBlank() ? Path.of(prop) : ProjectRoot.find().orElseThrow();
    }

    /** The ```java block that follows the marker line in a markdown text. */
    static String blockAfterMarker(String markdown) {
        int at = markdown.indexOf(MARKER);
        assertTrue(at >= 0, "the README has no line " + MARKER);
        int open = markdown.indexOf("```java\n", at);
        assertTrue(open >= 0, "no ```java block after " + MARKER);
        int start = open + "```java\n".length();
        int end = markdown.indexOf("\n```", start);
        assertTrue(end >= 0, "the ```java block after " + MARKER + " is not closed");
        return markdown.substring(start, end + 1);
    }

    @Test
    void theReadmesQuickStartIsTheCompiledAndRunFile() throws IOException {
        Path root = root();
        String readme = Files.readString(root.resolve("README.md"));
        String file = Files.readString(root.resolve("consumer/src/main/java/quickstart/QuickStart.java"));
        assertEquals(file, blockAfterMarker(readme),
                "README.md's quick start differs from consumer/src/main/java/quickstart/QuickStart.java: copy the"
                        + " file into the README (the file is what mvn verify compiles and runs)");
    }

    @Test
    void theBlockIsFoundAndADifferenceIsSeen() {
        String md = "text\n" + MARKER + "\n\n```java\nclass A {}\n```\nmore\n";
        assertEquals("class A {}\n", blockAfterMarker(md));
        assertTrue(!blockAfterMarker(md.replace("A", "B")).equals("class A {}\n"));
    }
}
