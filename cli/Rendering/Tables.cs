using Spectre.Console;
using Spectre.Console.Rendering;

namespace Sluice.Cli.Rendering;

/// <summary>kubectl-style tables: no borders, upper-case headers, cells as plain text (server text is never markup).</summary>
internal static class Tables
{
    public static Table Create(params string[] headers)
    {
        var table = new Table { Border = TableBorder.None, ShowHeaders = true };
        foreach (var header in headers)
        {
            table.AddColumn(new TableColumn(new Text(header, new Style(decoration: Decoration.Bold))) { Padding = new Padding(0, 0, 3, 0) });
        }
        return table;
    }

    /// <summary>Adds a row of plain-text cells; null shows as <c>-</c>.</summary>
    public static Table Row(this Table table, params string?[] cells)
    {
        table.AddRow(cells.Select(c => (IRenderable)new Text(string.IsNullOrEmpty(c) ? "-" : c)).ToArray());
        return table;
    }

    /// <summary>Two columns, name and value, for one record.</summary>
    public static Grid Details(IEnumerable<(string Name, string? Value)> rows)
    {
        var grid = new Grid();
        grid.AddColumn(new GridColumn { Padding = new Padding(0, 0, 3, 0), NoWrap = true });
        grid.AddColumn();
        foreach (var (name, value) in rows)
        {
            grid.AddRow(new Text(name, new Style(decoration: Decoration.Bold)), new Text(string.IsNullOrEmpty(value) ? "-" : value));
        }
        return grid;
    }
}
