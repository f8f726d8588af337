// A stacked bar chart of a report's figures (on time, late, overdue), drawn
// by echarts on a canvas: only the parts used are imported from
// echarts/core, and only the report page loads this file. The canvas keeps
// the page within the CSP (no style attributes in markup, no tooltip HTML);
// the numbers are in the tables beside it and in the container's label.
import { BarChart } from 'echarts/charts';
import { GridComponent, LegendComponent } from 'echarts/components';
import { init, use, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';

use([BarChart, GridComponent, LegendComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  values: number[];
  colour: string;
}

export function ReviewChart({ label, categories, series }: { label: string; categories: string[]; series: ChartSeries[] }) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<ECharts | null>(null);

  useEffect(() => {
    if (!box.current) return;
    const c = init(box.current, null, { renderer: 'canvas' });
    chart.current = c;
    const observer = new ResizeObserver(() => c.resize());
    observer.observe(box.current);
    return () => {
      observer.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    chart.current?.setOption(
      {
        animation: false,
        legend: { top: 0 },
        grid: { left: 8, right: 16, top: 32, bottom: 8, containLabel: true },
        xAxis: { type: 'value', minInterval: 1 },
        yAxis: { type: 'category', data: categories, inverse: true },
        series: series.map((s) => ({
          type: 'bar',
          name: s.name,
          stack: 'all',
          data: s.values,
          itemStyle: { color: s.colour },
          label: { show: true, formatter: (p: { value: unknown }) => (p.value ? String(p.value) : '') },
        })),
      },
      true,
    );
  }, [categories, series]);

  return <div ref={box} className="review-chart" role="img" aria-label={label} />;
}
