package io.github.lmworkbook.source;

import com.github.javaparser.JavaToken;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.JavaParser;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.Node;
import com.github.javaparser.ast.body.BodyDeclaration;
import com.github.javaparser.ast.body.CallableDeclaration;
import com.github.javaparser.ast.body.FieldDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.comments.Comment;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The library's own Java, shown on the page: a notebook cell puts the code of an equation right under its
 * derivation, read from the sources packaged in the library's jar (so what is shown is what runs).
 * <pre>
 * display(Code.show(RnnCell.class, "forward", "backward"), "text/html");   // highlighted, with its Javadoc
 * Code.source(RnnCell.class, "backward")                                    // the same as plain text
 * </pre>
 * A member is a method or constructor (every overload of that name; the class's simple name for constructors),
 * a field, or a nested type. The source is parsed with JavaParser; the highlighting follows its tokens.
 *
 * <p>JavaParser ({@code com.github.javaparser:javaparser-core}) is an optional dependency of the library: it is in
 * {@code lmworkbook-all.jar}, which the notebooks load; a Maven project that calls this class adds it.
 */
public final class Code {
    private Code() {}

    private static final String ROOT = "/lmworkbook-src/";
    /**
     * The listing's font, named on the {@code <pre>} itself: nbconvert's HTML (and a page without JupyterLab's
     * styles) would otherwise draw it in a proportional font, where the aligned comments drift.
     */
    static final String MONOSPACE = "font-family:ui-monospace,SFMono-Regular,'DejaVu Sans Mono',Menlo,Consolas,"
            + "'Liberation Mono',monospace";
    private static final Map<String, CompilationUnit> PARSED = new ConcurrentHashMap<>();

    /**
     * The members of the class, highlighted as HTML (for {@code display(…, "text/html")}), each with its Javadoc.
     *
     * @param type the class whose source is shown (the library's own; its source is in the jar)
     * @param members the members' names, e.g. "forward", "backward"; a name shows every overload
     * @return the HTML
     */
    public static String show(Class<?> type, String... members) {
        requireArguments(type, members);
        StringBuilder html = new StringBuilder();
        html.append("<div style=\"margin:0.3em 0\"><div style=\"font-size:85%;color:#57606a;margin-bottom:2px\">")
                .append(escape(path(type))).append(" — ").append(escape(String.join(", ", members)))
                .append("</div><pre style=\"background:#f6f8fa;color:#1f2328;padding:8px 10px;border-radius:6px;"
                        + "line-height:1.35;font-size:12.5px;overflow-x:auto;margin:0;" + MONOSPACE + "\">");
        boolean first = true;
        for (Snippet s : snippets(type, members)) {
            if (!first) html.append("\n");
            first = false;
            html.append(s.html);
        }
        return html.append("</pre></div>").toString();
    }

    /**
     * The members of the class as plain text (dedented, with their Javadoc).
     *
     * @param type the class whose source is shown
     * @param members the members' names; a name shows every overload
     * @return the source text
     */
    public static String source(Class<?> type, String... members) {
        requireArguments(type, members);
        StringBuilder out = new StringBuilder();
        for (Snippet s : snippets(type, members)) {
            if (out.length() > 0) out.append("\n");
            out.append(s.text);
        }
        return out.toString();
    }

    private record Snippet(String text, String html) {}

    /** A null class or member name is one line saying what to give, not a NullPointerException. */
    private static void requireArguments(Class<?> type, String[] members) {
        if (type == null) {
            throw new IllegalArgumentException("Code: the class is null; give a class of the library, e.g. "
                    + "Code.show(RnnCell.class, \"forward\")");
        }
        if (members == null) throw new IllegalArgumentException("Code: the member names are null; name at least one "
                + "member of " + type.getSimpleName());
        for (int i = 0; i < members.length; i++) {
            if (members[i] == null) {
                throw new IllegalArgumentException("Code: member name " + (i + 1) + " of " + members.length
                        + " is null; give the name of a method, field or nested type of " + type.getSimpleName());
            }
        }
    }

    private static List<Snippet> snippets(Class<?> type, String... members) {
        if (members.length == 0) throw new IllegalArgumentException("Code: name at least one member of " + type.getSimpleName());
        CompilationUnit cu = parse(type);
        TypeDeclaration<?> decl = find(cu, type);
        List<Snippet> out = new ArrayList<>();
        for (String name : members) {
            List<Node> found = new ArrayList<>();
            for (BodyDeclaration<?> m : decl.getMembers()) {
                if (m instanceof CallableDeclaration<?> c && c.getNameAsString().equals(name)) found.add(m);
                else if (m instanceof FieldDeclaration f
                        && f.getVariables().stream().anyMatch(v -> v.getNameAsString().equals(name))) found.add(m);
                else if (m instanceof TypeDeclaration<?> t && t.getNameAsString().equals(name)) found.add(m);
            }
            if (found.isEmpty()) {
                List<String> names = new ArrayList<>();
                for (BodyDeclaration<?> m : decl.getMembers()) {
                    if (m instanceof CallableDeclaration<?> c) names.add(c.getNameAsString());
                    else if (m instanceof FieldDeclaration f) f.getVariables().forEach(v -> names.add(v.getNameAsString()));
                    else if (m instanceof TypeDeclaration<?> t) names.add(t.getNameAsString());
                }
                throw new IllegalArgumentException("Code: " + type.getSimpleName() + " has no member '" + name
                        + "'; it has " + names.stream().distinct().toList());
            }
            for (Node n : found) out.add(render(n));
        }
        return out;
    }

    private static Snippet render(Node n) {
        Optional<Comment> doc = n.getComment();
        int from = doc.map(c -> c.getBegin().orElseThrow().line).orElse(n.getBegin().orElseThrow().line);
        int to = n.getEnd().orElseThrow().line;
        // the tokens of the whole file from line `from` to line `to`, with their whitespace
        StringBuilder text = new StringBuilder(), html = new StringBuilder();
        JavaToken t = n.findCompilationUnit().orElseThrow().getTokenRange().orElseThrow().getBegin();
        while (t != null && t.getRange().map(r -> r.begin.line < from).orElse(true)) t = t.getNextToken().orElse(null);
        List<String[]> pieces = new ArrayList<>();   // {text, css}
        for (; t != null && t.getRange().map(r -> r.begin.line <= to).orElse(false); t = t.getNextToken().orElse(null)) {
            pieces.add(new String[] {t.getText(), style(t)});
        }
        // dedent: the smallest indentation of a non-blank line
        String raw = String.join("", pieces.stream().map(p -> p[0]).toList());
        int indent = Integer.MAX_VALUE;
        for (String line : raw.split("\n", -1)) {
            if (line.isBlank()) continue;
            int i = 0;
            while (i < line.length() && line.charAt(i) == ' ') i++;
            indent = Math.min(indent, i);
        }
        if (indent == Integer.MAX_VALUE) indent = 0;
        int col = 0;
        for (String[] p : pieces) {
            String s = p[0];
            StringBuilder kept = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char ch = s.charAt(i);
                if (ch == '\r') continue;
                if (ch == '\n') {
                    kept.append('\n');
                    col = 0;
                } else if (col < indent && ch == ' ') {
                    col++;
                } else {
                    col = Integer.MAX_VALUE;
                    kept.append(ch);
                }
            }
            String k = kept.toString();
            text.append(k);
            if (p[1] == null) html.append(escape(k));
            else html.append("<span style=\"").append(p[1]).append("\">").append(escape(k)).append("</span>");
        }
        return new Snippet(text.toString().stripTrailing(), html.toString().stripTrailing());
    }

    private static String style(JavaToken t) {
        JavaToken.Category c = t.getCategory();
        if (c.isComment()) return "color:#6e7781;font-style:italic";
        if (c.isKeyword()) return "color:#cf222e";
        if (c.isLiteral()) return t.getText().startsWith("\"") || t.getText().startsWith("'")
                ? "color:#0a3069" : "color:#0550ae";
        if (c.isIdentifier() && !t.getText().isEmpty() && Character.isUpperCase(t.getText().charAt(0))
                && t.getText().length() > 2 && !t.getText().equals(t.getText().toUpperCase())) {
            return "color:#953800";                       // a type name (capitalised, not an all-caps constant)
        }
        return null;
    }

    private static TypeDeclaration<?> find(CompilationUnit cu, Class<?> type) {
        List<String> chain = new ArrayList<>();
        for (Class<?> c = type; c != null; c = c.getEnclosingClass()) chain.add(0, c.getSimpleName());
        TypeDeclaration<?> decl = cu.getTypes().stream().filter(t -> t.getNameAsString().equals(chain.get(0)))
                .findFirst().orElseThrow(() -> new IllegalStateException("Code: no type " + chain.get(0) + " in its source"));
        for (int i = 1; i < chain.size(); i++) {
            String name = chain.get(i);
            decl = decl.getMembers().stream().filter(m -> m instanceof TypeDeclaration<?> t && t.getNameAsString().equals(name))
                    .map(m -> (TypeDeclaration<?>) m).findFirst()
                    .orElseThrow(() -> new IllegalStateException("Code: no nested type " + name + " in its source"));
        }
        return decl;
    }

    private static CompilationUnit parse(Class<?> type) {
        String path = path(type);
        return PARSED.computeIfAbsent(path, p -> {
            try (InputStream in = Code.class.getResourceAsStream(ROOT + p)) {
                if (in == null) {
                    throw new IllegalArgumentException("Code: the source of " + type.getName() + " is not in the jar ("
                            + ROOT + p + "); only the library's own classes can be shown");
                }
                String src = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                ParserConfiguration config = new ParserConfiguration()
                        .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17);
                return new JavaParser(config).parse(src).getResult()
                        .orElseThrow(() -> new IllegalStateException("Code: cannot parse the source of " + type.getName()));
            } catch (IOException e) {
                throw new UncheckedIOException("Code: cannot read the source of " + type.getName(), e);
            }
        });
    }

    private static String path(Class<?> type) {
        Class<?> top = type;
        while (top.getEnclosingClass() != null) top = top.getEnclosingClass();
        return top.getName().replace('.', '/') + ".java";
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
