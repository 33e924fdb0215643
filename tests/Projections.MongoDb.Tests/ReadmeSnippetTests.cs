using System.Text.RegularExpressions;
using FluentAssertions;
using Xunit;

namespace Projections.MongoDb.Tests;

/// <summary>Issue 13, point 1: mongosh answers undefined for <c>db._generations</c> (any property starting with '_'); the README's snippets must work as pasted.</summary>
public sealed partial class ReadmeSnippetTests
{
    private static string MongoSection()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !(File.Exists(Path.Combine(directory.FullName, "README.md")) && Directory.Exists(Path.Combine(directory.FullName, "src"))))
            directory = directory.Parent;
        var readme = File.ReadAllText(Path.Combine(directory?.FullName ?? throw new FileNotFoundException("No README.md above the test binaries."), "README.md"));
        var start = readme.IndexOf("## Query read models in MongoDB", StringComparison.Ordinal);
        start.Should().BeGreaterThanOrEqualTo(0, "the README has a MongoDB section");
        var end = readme.IndexOf("\n## ", start + 3, StringComparison.Ordinal);
        return end < 0 ? readme[start..] : readme[start..end];
    }

    [Fact]
    public void Mongosh_snippets_reach_underscore_collections_through_getCollection()
    {
        var snippets = CodeBlocks().Matches(MongoSection()).Select(m => m.Groups["code"].Value).ToList();

        snippets.Should().NotBeEmpty();
        snippets.Should().AllSatisfy(s => UnderscoreProperty().IsMatch(s).Should().BeFalse($"mongosh answers undefined for db._name:\n{s}"));
        string.Concat(snippets).Should().Contain("db.getCollection(\"_generations\")").And.Contain("db.getCollection(\"_checkpoints\")").And.Contain("db.getCollection(\"_dead_letters\")");
    }

    [GeneratedRegex("```js\\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlocks();

    [GeneratedRegex(@"\bdb\._")]
    private static partial Regex UnderscoreProperty();
}
