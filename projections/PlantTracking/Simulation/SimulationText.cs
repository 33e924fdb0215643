namespace PlantTracking.Simulation;

/// <summary>Names and texts the simulator picks from.</summary>
internal static class SimulationText
{
    public const string ScriptAnnotation = "<script>alert(1)</script>";

    public static readonly string[] ProductTypes = ["gearbox", "pump", "valve-assembly", "controller", "drive-shaft"];
    public static readonly string[] Authors = ["ana.silva", "ben.okafor", "chen.wei", "dora.nagy", "emil.berg"];
    public static readonly string[] Remarks =
    [
        "Scratch on housing, cosmetic only",
        "Rework requested by QA",
        "Waiting for replacement seal",
        "Sample taken for torque test",
        "Label reprinted",
        "Customer priority order",
        "Checked & released",
    ];
    public static readonly string[] PlanChangeReasons = ["rework", "station maintenance", "priority order", "quality hold"];

    public static string Station(int index, int stationCount) =>
        "S" + (index + 1).ToString(stationCount >= 100 ? "D3" : "D2", System.Globalization.CultureInfo.InvariantCulture);

    public static string ItemId(long number) => number.ToString("D6", System.Globalization.CultureInfo.InvariantCulture);
}
