using System.Globalization;

namespace Projections.Benchmarks.Reporting;

public static class Format
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Rate(double perSecond) => perSecond.ToString("N0", Inv) + " ev/s";
    public static string Ratio(double r) => r.ToString("0.00", Inv);
    public static string Times(double r) => r.ToString("0.0", Inv) + "x";
    public static string Ms(double ms) => ms.ToString(ms < 10 ? "0.00" : "0.0", Inv) + " ms";
    public static string Seconds(double s) => s.ToString("0.000", Inv) + " s";
    public static string Bytes(double b) => b.ToString("N0", Inv) + " B";
    public static string Number(double n) => n.ToString("0.####", Inv);
}
