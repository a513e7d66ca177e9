using System.Text;
using NonStdPort.Cli.Tests.Support;

namespace NonStdPort.Cli.Tests;

/// <summary>UTF-16 input with a byte-order mark (PowerShell's Out-File default) is decoded, not reported record by record.</summary>
public sealed class Utf16InputTests
{
    public static TheoryData<string> Encodings() => ["utf-16LE", "utf-16BE"];

    [Theory]
    [MemberData(nameof(Encodings))]
    public void Utf16_with_a_bom_scores_like_the_same_records_in_utf8(string encodingName)
    {
        using var dir = new TempDir();
        string text = Records.Score1() + "\r\n" + Records.Score2() + "\r\n" + Records.Score3() + "\r\n";
        Encoding encoding = encodingName == "utf-16LE" ? new UnicodeEncoding(bigEndian: false, byteOrderMark: true) : new UnicodeEncoding(bigEndian: true, byteOrderMark: true);
        string utf16 = dir.File("utf16.json", [.. encoding.GetPreamble(), .. encoding.GetBytes(text)]);
        string utf8 = dir.File("utf8.json", text);

        CliResult fromUtf16 = CliRunner.Run("score", utf16);
        CliResult fromUtf8 = CliRunner.Run("score", utf8);

        Assert.True(fromUtf16.ExitCode == 0, fromUtf16.ToString());
        Assert.Equal("", fromUtf16.Stderr);
        Assert.Equal(3, fromUtf16.StdoutLines.Length);
        Assert.Equal(
            AlertText.WithoutDetectionTime(fromUtf8.Stdout.Replace("utf8.json", "utf16.json")),
            AlertText.WithoutDetectionTime(fromUtf16.Stdout));
    }
}
