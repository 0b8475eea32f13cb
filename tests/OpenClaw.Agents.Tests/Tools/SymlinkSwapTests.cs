using System.Runtime.InteropServices;
using System.Text;

namespace OpenClaw.Agents.Tests.Tools;

/// <summary>
/// A symlink flipped between a directory inside and one outside while the tools run (what a concurrent exec could do):
/// whichever way each race goes, nothing outside is ever written or read.
/// </summary>
public sealed class SymlinkSwapTests
{
    private const int Rounds = 300;

    [Fact]
    public async Task Write_WhileAParentSymlinkFlips_NeverWritesOutside()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The descriptor-based checks this proves are Linux's.");
        using var h = new ToolHarness();
        Directory.CreateDirectory(h.InWorkspace("target"));
        h.WriteOutside("secret.txt", "outside\n");

        var wrote = 0;
        using (Flipper.Start(h.InWorkspace("flip"), h.InWorkspace("target"), h.Outside))
        {
            for (var i = 0; i < Rounds; i++)
            {
                var outcome = await h.RunAsync("write_file", $$"""{"path":"flip/new-{{i}}.txt","content":"x"}""");
                wrote += outcome.Success ? 1 : 0;
                await h.RunAsync("edit_file", """{"path":"flip/secret.txt","old_string":"outside","new_string":"pwned"}""");
            }
        }

        Assert.Empty(Directory.GetFiles(h.Outside, "new-*"));
        Assert.Equal("outside\n", File.ReadAllText(h.InOutside("secret.txt")));
        Assert.True(wrote > 0, "no write went through the link while it pointed inside");
    }

    [Fact]
    public async Task Read_WhileAFileSymlinkFlips_NeverReturnsTheOutsideContent()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "The descriptor-based checks this proves are Linux's.");
        using var h = new ToolHarness();
        var inside = h.Write("inside.txt", "inside\n");
        var outside = h.WriteOutside("secret.txt", "outside\n");

        using (Flipper.Start(h.InWorkspace("flip.txt"), inside, outside))
        {
            for (var i = 0; i < Rounds; i++)
            {
                var outcome = await h.RunAsync("read_file", """{"path":"flip.txt"}""");
                if (outcome.Success)
                {
                    Assert.Equal("inside\n", outcome.Result!.Value.Str("content"));
                }
                else
                {
                    Assert.DoesNotContain("outside\n", outcome.Error, StringComparison.Ordinal);
                }
            }
        }
    }

    /// <summary>Atomically re-points a symlink between two targets on its own thread until disposed.</summary>
    private sealed class Flipper : IDisposable
    {
        private readonly Thread _thread;
        private volatile bool _stop;

        private Flipper(string link, string first, string second)
        {
            _thread = new Thread(() =>
            {
                var temp = link + ".tmp";
                for (var i = 0; !_stop; i++)
                {
                    File.CreateSymbolicLink(temp, i % 2 == 0 ? first : second);
                    if (rename(Encoding.UTF8.GetBytes(temp + "\0"), Encoding.UTF8.GetBytes(link + "\0")) != 0)
                    {
                        throw new IOException("rename failed: " + Marshal.GetLastPInvokeError());
                    }
                }
            }) { IsBackground = true };
        }

        public static Flipper Start(string link, string first, string second)
        {
            File.CreateSymbolicLink(link, first);
            var flipper = new Flipper(link, first, second);
            flipper._thread.Start();
            return flipper;
        }

        public void Dispose()
        {
            _stop = true;
            _thread.Join();
        }

#pragma warning disable SYSLIB1054, CA5392, CA2101, IDE1006 // a plain libc call: rename(2) replaces the link atomically
        [DllImport("libc", SetLastError = true)]
        private static extern int rename(byte[] oldPath, byte[] newPath);
#pragma warning restore SYSLIB1054, CA5392, CA2101, IDE1006
    }
}
